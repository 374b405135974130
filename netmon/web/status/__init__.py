"""The status page and its JSON API, served on netmon's HTTP listener beside /metrics."""
