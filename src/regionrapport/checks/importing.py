"""Rules of `rapport import` (RR8xx): reading ledger exports and placing their amounts.

They are raised by importing/ and commands/import_.py; registered here so that every
code a user can see is documented. The report's YAML is never touched when one fires.
"""
from .registry import documented

documented("RR801", "Malformed SIE line", """
A line of the SIE file cannot be read: a field is missing, an amount is not a
number, a quote or an object list `{...}` is not closed, a #TRANS stands outside a
verification block, or a block `{` is never closed because the file was cut short.
The message gives the file and line.
Fix: export the file again from the accounting system; do not edit it by hand.
""")
documented("RR802", "Wrong character encoding", """
A SIE file is written in PC8 (IBM code page 437), but this line is UTF-8 or
Windows-1252, usually because the file was opened and saved in an editor. Names
such as "Läkemedel" would come out garbled. A CSV file that is not in the
encoding the mapping names gives the same error.
Fix: export the file again, or set `tabell.teckenkodning` in the mapping for CSV.
""")
documented("RR803", "Unknown SIE record", """
The line starts with a label that SIE 4 does not have (e.g. `#KONTON`), so the
file is another format, a newer one, or damaged.
Fix: export the file as SIE 4 (type 1-4) from the accounting system.
""")
documented("RR804", "Period outside the financial year", """
A #PSALDO, #PBUDGET or #VER gives a month outside the years the file declares
with #RAR, the file's year is not the report's, `--period` names a month outside
the file's year, or a row of an Excel/CSV export lies outside the report's year
and the nine years before it.
Fix: export the right year, or name the month with `--period YYYYMM`.
""")
documented("RR805", "File for another organisation", """
The SIE file's #ORGNR differs from `organisationsnummer` in the mapping: the
file belongs to another organisation (or another company of the group).
Fix: import the file of the right organisation, or correct the mapping.
""")
documented("RR806", "Import file too large", """
The file holds more distinct account, object and month combinations (2 000 000),
rows (5 000 000) or bytes (200 MB for Excel) than a region's ledger needs; it is
refused before it can exhaust memory. A post's amount of 10^13 kronor or more is
refused too: no region's ledger holds one, and it could not be computed exactly.
Fix: export one year and only the dimensions the mapping uses.
""")
documented("RR807", "Import file unreadable", """
The file cannot be opened, or is not an Excel workbook although it is named .xlsx.
Fix: check the path and the file type (SIE .se/.si, Excel .xlsx, CSV .csv).
""")
documented("RR810", "Amount not placed by the mapping", """
A non-zero amount on an account (or an object) of a complete grouping lands on no
post, so it would be lost from the report. The message names the column, the
account, its name, the object and the amount in kronor.
Fix: add the account or object to a post in import/mappning.yaml, or correct the
booking in the ledger.
""")
documented("RR811", "Amount placed twice", """
Two posts of one grouping take the same account (or object), so the amount would
be counted twice. Found in the mapping itself before any file is read, and for
each amount while placing.
Fix: give each account and object one post per grouping.
""")
documented("RR812", "Imported amounts do not reconcile", """
The amounts placed on the posts of a grouping do not add up to the file's own
total for an account class, or a SIE file's #PSALDO differs from the sum of its
transactions for the month: the file contradicts itself.
Fix: export the file again; check that objects add up to their accounts.
""")
documented("RR813", "Mapping names an unknown post or column", """
The mapping places amounts on a post id or a column that the report does not have.
Fix: correct the id in import/mappning.yaml, or add the post to the budget or report.
""")
documented("RR814", "Figure cannot be written in place", """
The report's YAML holds something other than a number or null where a figure is
to be written (a text, a list), so the import cannot replace it without rewriting
the file.
Fix: write the value as a number or `null` on the line after its key.
""")
documented("RR816", "Excel or CSV export does not match the mapping", """
The sheet, the header row or a column named in `tabell` is missing, or a row holds
an account, amount or period that is not one (the message gives the row).
Fix: correct `tabell` in the mapping, or the export.
""")
