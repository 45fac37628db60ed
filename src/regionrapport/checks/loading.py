"""Rules enforced while reading and validating files (load.py, project.py)."""
from .registry import documented

documented("RR001", "File not found", """
A report, budget or organisation file named on the command line or in
`rapport.budget` does not exist.
Fix: check the name; reports live in data/outcomes/, budgets in data/budget/.
""")
documented("RR002", "YAML syntax error", """
The file is not valid YAML; the message gives the line and an excerpt.
Fix: check indentation (spaces, not tabs), the colon after each key and closing quotes.
""")
documented("RR003", "File too large or nested too deeply", """
A data file is larger than the limit (2 MB), or nests more than 40 levels. It is
refused before anything is built from it, so a runaway or generated file cannot
hang the check or exhaust memory.
Fix: split the file or regenerate it.
""")
documented("RR004", "YAML anchors, aliases and merge keys are refused", """
`&anchor`, `*alias` and `<<:` hide where a figure comes from and allow alias
bombs (a few lines that expand to billions of values). They are refused while
the file is scanned, before any alias is expanded.
Fix: write the value out where it is needed.
""")
documented("RR005", "Duplicate key", """
The same key appears twice in one mapping. YAML would silently keep the last
value and lose the analyst's other figure. The message names both lines.
Fix: remove or merge one of them.
""")
documented("RR010", "Unknown key", """
A key that the format does not know, usually a typo (`utfal:`). The hint
suggests the closest known key.
Fix: correct the spelling or remove the key.
""")
documented("RR011", "Wrong type", """
A value of the wrong kind: text where a number is expected, a list where a mapping is.
Fix: write the value as the format describes (docs/yaml-format.md).
""")
documented("RR012", "Number written as text", """
A figure written as text, such as "1 353" or "4,7 %". Text is not a number and
would not be summed.
Fix: write a plain YAML number without quotes, spaces or unit: 1353, 4.7.
""")
documented("RR013", "Missing required value", """
A value the format requires is absent (a metric without `riktning`, a report without `budget`).
Fix: add the value; docs/yaml-format.md lists what each file requires.
""")
documented("RR014", "YAML 1.1 surprise", """
YAML 1.1 reads some plain words and numbers unexpectedly: `no` becomes false
(also as a key), `1:30` becomes 90, `012` becomes 10, `0x1f` becomes 31, `1e3`
stays text. Numbers of these forms are refused wherever they stand; words are
refused where text or a number was meant.
Fix: quote text ("no", "1:30"), write numbers as meant (12, 1000).
""")
documented("RR015", "Invalid id", """
Ids are lower-case ASCII letters, digits and underscores, starting with a letter.
Fix: rename the id, e.g. `halso_och_sjukvard`.
""")
documented("RR016", "Invalid value", """
A value outside what the field allows: a month 13, a date that does not exist
(2025-02-30), a word that is not one of the allowed ones (`riktning: hogr`), an
unparsable relation, a range whose bounds are reversed.
Fix: as the message says; the hint lists the allowed values.
""")
documented("RR104", "Unknown budget file", """
The report's `rapport.budget` names a file that does not exist in data/budget/.
Fix: give the budget file's name without `.yaml` (the hint suggests the closest).
""")
documented("RR110", "Invalid report name", """
A report id must be a plain file name (letters, digits, `-`, `_`, `.`), never a path such as `../x`.
Fix: name a file in data/outcomes/ without `.yaml`.
""")
documented("RR201", "Printed total differs from the computed one", """
A derived figure (a sum, a deviation, a result row) has a printed value
(`tryckt`) that differs from the computed value by more than the rounding
tolerance (half a unit per summed figure).
Fix: correct the part that is wrong, or remove `tryckt` when the source itself miscalculated.
""")
documented("RR202", "Complete breakdown does not add up", """
The `varav` rows of a post marked `fullstandig: true` do not add up to the post
within the rounding tolerance (half a unit per row).
Fix: correct the wrong row or total, or mark the breakdown `fullstandig: false`.
""")
documented("RR203", "Partial breakdown exceeds its total", """
The listed `varav` rows of a partial breakdown add up to more than the post itself.
Fix: check signs and amounts.
""")
documented("RR204", "Two derivations of one figure disagree", """
A post with `kontroll` sums is computed in two ways (e.g. verksamhetens
nettokostnad as the sum of committees and as revenue + costs + depreciation)
and the results differ beyond tolerance. The result chain (nettokostnad +
skatteintäkter + statsbidrag = verksamhetens resultat, + finansnetto =
redovisat resultat, + balanskravsjusteringar = resultat efter
balanskravsjusteringar) is checked this way when a result row is stored.
Fix: correct the figure that is wrong.
""")
documented("RR205", "Column relation does not hold", """
A post stores all terms of a column relation (e.g. avvikelse = utfall - budget)
and they disagree beyond rounding. A relation that holds when the printed figures
kept against their parts (`tryckt_avviker`) are read as their parts give them is
not this error but RR532's warning.
Fix: store two of the figures and let the tool derive the third.
""")
documented("RR620", "Number out of range", """
A number that is not finite (`.nan`, `.inf`, or `1e400`, which overflows), whose
size exceeds 10^15, or an integer written with more than 30 digits. No real
figure is that large; such a value would break arithmetic and formatting. It is
refused while the file is read.
Fix: write the figure in the organisation's unit (e.g. mnkr), or null for an empty field.
""")

documented("RR575", "`rapport new`: a year no date can have", """
`rapport new` takes the new report's year from its name (`delar-mars-2026`) and moves
the dates in titles and headers that name the old period by as many years. A year
before 1 or after 9999 (`delar-mars-0000`, or a header's `2024-03-31` moved back past
year 1) is no date; the command stops with the line it came from and writes nothing.
*Fix:* correct the year in the new report's name.
""")

documented("RR570", "An old form of the format that `rapport migrate` cannot rewrite in place", """
`rapport migrate` rewrites the YAML of older versions of the format to today's
(docs/yaml-format.md, *Format changes and migrate*), editing only the lines of the
old form. An old form written where it cannot be edited line by line (inside a
`{ }` mapping, or a `[ ]` list spread over several lines) is reported with its line
and left as it is; nothing in the file is written.
*Fix:* rewrite that place by hand as the hint says (the new form), then run
`rapport migrate` again.
""")
