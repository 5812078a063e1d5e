"""Synthetic forms with known inconsistencies (`jixiao synth`): a corpus whose manifest says which
form breaks which rule, so that the checks can be measured (recall, precision) and the batch
benchmarked at any size.

- `generate`: clean forms, consistent under cn-2020
- `inject`: one kind of inconsistency per rule id
- `text`: the seed's tab-separated text layout, its damage (P002) and truncation (P001)
- `families`: the layout families of the project form, each laying a form out its own way
- `corpus`: files + manifest.csv; `evaluate`: recall and precision against the manifest
"""
