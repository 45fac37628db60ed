"""Where `rapport build` writes: the output folder, the report's folder and the tool's own
folders under out/ (commands/outdir.py). These are not problems in the input files, so
they end the command with exit code 2, and the outputs of the last build stay as they
were. Registered here so that every code a user can see is documented.
"""
from __future__ import annotations

from .registry import documented

documented("RR640", "Output folder is not a folder", """
The output folder (`out/` or `--out`), or the report's folder inside it
(`out/<rapport>/`), is a file or a symbolic link. A report's folder is replaced as
a whole by every build, so rapport refuses to replace a file or a link it did not
make, and never writes through a link out of the output folder.
Fix: move or remove the file or link, or name another folder with `--out`.
""")
documented("RR641", "Outputs cannot be written", """
Writing the outputs failed: the disk is full, the file system is read-only, there is
no permission to write, or a name is too long for the file system. Nothing of the
new build was published; the previous outputs are intact.
Fix: free space, choose a writable folder with `--out`, or a shorter path or report name.
""")
documented("RR642", "Cache folder is a link or a file", """
`out/.rapport-cache/`, one of its folders (`check/`, `charts/`) or the build's
scratch folder `out/.rapport-tmp/` is a symbolic link or a file. The chart cache
removes its oldest entries; through a link it would remove files of yours, so the
build refuses to start, and `rapport check` neither reads nor writes remembered checks there.
Fix: remove the link or file; the folder is recreated by the next build.
""")
