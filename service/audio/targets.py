"""What every narration is mastered to (service/audio/master.py): a loudness target and a true-peak ceiling.

Apart from the mastering chain so that code which only names them (the
parts, the final file's settings) does not import scipy and pyloudnorm.
"""

from __future__ import annotations

TARGET_LUFS = -16.0
MAX_TRUE_PEAK_DBTP = -1.0
