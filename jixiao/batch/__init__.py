"""`jixiao batch`: every form under some directories, read, scored, checked and stored in parallel,
on this machine's cores or on a Dask cluster, with a summary workbook and a CSV of findings.

- `files`: the walk (sorted, so every run sees the files in the same order) and content hashes
- `work`: what a worker does with a file (compact, picklable results)
- `engines`: a local process pool or a Dask cluster, results taken in submission order
- `sink`: bulk writes into the store's tables; `ledger`: the run's own notebook on disk
- `d002`: the cross-form check over the whole batch; `report`: workbook and CSV
- `run`: the pipeline; `cli`: the command
"""
