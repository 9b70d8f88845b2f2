"""Area names as publishers write them, matched to the geography's codes.

Publishers' tables often carry names only, written their own way: ``'Highland '`` with a
trailing space, ``Greater Glasgow and Clyde`` for the board the geography calls ``NHS
Greater Glasgow and Clyde``, ``Argyll & Bute``. Names are compared after trimming, folding
case and spaces, reading ``&`` as ``and``, dropping a leading ``NHS`` and note references;
a name is looked up among the areas of one declared type (and the nation), since ``Fife``
or ``Highland`` is both a council and a board.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from missionmonitor.refdata.geography import Geography, national_code, national_name

_SPACES = re.compile(r"\s+")
_NOTE = re.compile(r"\[note\s*[0-9]+\]", re.IGNORECASE)


def name_key(name: str) -> str:
    """A name as compared: ``' NHS  Orkney '``, ``'Orkney [note 4]'`` and ``'orkney'`` have
    the same key."""
    key = _SPACES.sub(" ", _NOTE.sub("", name).replace("&", " and ")).strip().casefold()
    return key.removeprefix("nhs ").strip()


class AreaNames:
    """Codes of the areas of one type (and the nation) by name; ``aliases`` adds names the
    geography does not use (name → code)."""

    def __init__(
        self, geography: Geography, area_type: str, aliases: Mapping[str, str] | None = None
    ) -> None:
        self.area_type = area_type
        self.codes = {name_key(a.name): a.code for a in geography.of_type(area_type)}
        configuration = geography.configuration
        self.codes[name_key(national_name(configuration))] = national_code(configuration)
        for alias, code in (aliases or {}).items():
            self.codes[name_key(alias)] = code

    def code(self, name: str) -> str | None:
        """The code of the area called ``name``, or None if no area of the type is."""
        return self.codes.get(name_key(name))
