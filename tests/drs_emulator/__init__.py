"""Local DRS v3 + IAM emulator (stdlib + PyYAML), started with ``python -m drs_emulator``; see README.md."""

__version__ = "1.0.0"
