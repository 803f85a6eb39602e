"""Text that editors type is refused when it holds invisible control characters.

C0 control characters (U+0000 to U+001F) and the non-characters U+FFFE and U+FFFF
cannot be shown on a page, break XML feeds (which strip them: feedgenerators.py) and
usually arrive unseen with text pasted from another program. They are refused with a
form error on the field, saying which character and where, rather than stripped: the
editor sees what was wrong and what is saved is exactly what they wrote.

* ``single_line``: titles, summaries, names, alt text, tags: no control character at
  all, tab and line breaks included (a text box of one line never sends them).
* ``multi_line``: Markdown bodies, descriptions, comments: tab, line feed and
  carriage return are text there; the others are refused.

Both are model-field validators (recorded in migrations) and work on form fields too.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

LINE_BREAKS = "\t\n\r"
CONTROL = re.compile("[\x00-\x1f\ufffe\uffff]")


@deconstructible(path="dpga.control_characters.ControlCharacterValidator")
class ControlCharacterValidator:
    """Refuse C0 control characters and U+FFFE/U+FFFF (tab and line breaks too,
    unless `multi_line`)."""

    def __init__(self, multi_line=False):
        self.multi_line = multi_line

    def __call__(self, value):
        for found in CONTROL.finditer(str(value)):
            character = found.group()
            if self.multi_line and character in LINE_BREAKS:
                continue
            params = {"position": found.start() + 1, "code": f"U+{ord(character):04X}"}
            if character in LINE_BREAKS:
                raise ValidationError(
                    _(
                        "This text is a single line: remove the tab or line break "
                        "(character %(position)s)."
                    ),
                    code="line_break",
                    params=params,
                )
            raise ValidationError(
                _(
                    "Remove the invisible control character %(code)s (character "
                    "%(position)s): pages and feeds cannot show it. It often comes with "
                    "text pasted from another program."
                ),
                code="control_character",
                params=params,
            )

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator) and self.multi_line == other.multi_line

    def __hash__(self):
        return hash((type(self), self.multi_line))


single_line = ControlCharacterValidator()
multi_line = ControlCharacterValidator(multi_line=True)
