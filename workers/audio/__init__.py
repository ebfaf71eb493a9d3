"""Audio after synthesis: joining PCM, resampling and MP3 encoding."""
