"""``python -m optarena`` is the same as the ``optarena`` command."""

from optarena.cli import main

if __name__ == "__main__":
    main()
