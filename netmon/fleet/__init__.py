"""The fleet state: what every AP and zone is, decided once and read everywhere."""
