"""`python -m netmon`."""

from netmon.cli.main import main

main()
