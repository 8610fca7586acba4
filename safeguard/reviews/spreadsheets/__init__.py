"""Action trackers in and out of Safeguard: XLSX and CSV.

- `reader`: read an uploaded XLSX or CSV into rows of cells (value and fill colour), find the header row;
- `parsing`: the values trackers really hold (dates, RAG, status) turned into Safeguard's, with a plain
  message when they cannot be;
- `export`: any filtered action list as CSV (streamed) or XLSX (write-only workbook in a temporary file);
- `importer`: map, validate the whole file, then write it in one transaction (see its docstring for what
  an imported action becomes).
"""
