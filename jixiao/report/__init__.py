"""Reports a person reads: the printable HTML report of `jixiao check --html`."""
