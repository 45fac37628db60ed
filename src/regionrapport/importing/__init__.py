"""Reading ledger exports (SIE 4, Excel, CSV) and placing their amounts on report posts.

Nothing here is imported by `rapport check` or `rapport build`: openpyxl is loaded
only when an .xlsx file is imported.
"""
