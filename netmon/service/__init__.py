"""Wi-Fi service health: what each AP's own history says it should be serving."""
