"""Rewrite gettext catalogues in the layout they are kept in (Babel, lines up to 100
characters, no previous msgids), so `make messages` changes only what changed."""

import sys

from babel.messages.pofile import read_po, write_po

for path in sys.argv[1:]:
    with open(path, "rb") as handle:
        catalogue = read_po(handle)
    with open(path, "wb") as handle:
        write_po(handle, catalogue, width=100, include_previous=False)
