"""Coverage and fibre maps of one config: the layers from the config and the store, the files."""
