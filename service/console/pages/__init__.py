"""One module per console page, each with its router and its templates under templates/<name>/."""
