"""The attack surface read from the installed software: routes and command lines, and their reviews."""
