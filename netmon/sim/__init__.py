"""The simulated fleet: snmpsim agents generated from the profiles, on 127.0.0.1."""
