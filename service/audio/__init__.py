"""Audio after synthesis, in the order the pipeline uses it.

pcm (fades, resampling) -> mix (intro/outro) -> phase, compressor, limiter,
loudness (the meters) -> master (all of them to -16 LUFS / -1 dBTP, checked on
the decoded file) -> mp3 (encode once; xing adds the Info frame LAME omits at
low bitrates) -> tags (ID3v2 with chapters).
"""
