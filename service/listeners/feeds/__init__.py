"""What listeners get besides the article page: podcast feeds (RSS) and anonymous listening stats."""
