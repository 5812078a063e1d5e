"""jixiao (绩效): read, re-score and check fiscal project performance self-evaluation forms."""
