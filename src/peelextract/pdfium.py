"""The process-wide pdfium lock, for every module that calls pdfium (the PDF reader, the page renderer).

pdfium is not thread-safe: two threads in it at once crash the process (a segmentation fault, seen with the
ingestion flow's thread runner on a batch of PDFs). Every use of pdfium in the process holds this lock;
processes (the processes or Dask runner) each have their own pdfium and read in parallel.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
