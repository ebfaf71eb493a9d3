"""Listening events no player sends are refused before they are counted.

The player names each listen with a random id (`listen`, new at every play)
and reports a play first, then each quartile once. So, in one listen of one
article: a quartile before the play, a second play or the same quartile twice
cannot happen; nor can more plays from one client address than
`NARRATOR_LISTEN_PLAYS_PER_ADDRESS` allows (a script, not listeners).

What a listen has reported is held in the rate limiter's storage (Redis or
memory), shared by every API process, for `LISTEN_WINDOW`; never in the
records, which keep no listener id or address (service/listeners/feeds/listens.py).
A storage that does not answer lets events through.
"""

from __future__ import annotations

from service.core.errors import ImplausibleListen
from service.core.ratelimit import Policy, RateLimiter

# Each event of a listen may happen once in this window (a listen paused for hours may resume).
LISTEN_WINDOW = Policy.of("listen", "1/6hours")


def check_event(limiter: RateLimiter, article_id: str, listen: str, kind: str, address: str) -> None:
    """Raise `ImplausibleListen` unless `kind` ("play", "p25".."p100") may follow what `listen` reported.

    A plausible event is remembered (so it cannot come twice); a refused one is not.
    """
    if kind == "play":
        plays = limiter.hit(limiter.plays_per_address, "plays", address)
        if plays is not None and not plays.allowed:
            raise ImplausibleListen(
                f"more than {plays.policy.quota} plays in {plays.policy.window_s} s from one address"
            )
    else:
        played = limiter.peek(LISTEN_WINDOW, "listen", article_id, listen, "play")
        if played is not None and played.allowed:  # the play's one event is still unused
            raise ImplausibleListen("progress reported before a play in this listen")
    once = limiter.hit(LISTEN_WINDOW, "listen", article_id, listen, kind)
    if once is not None and not once.allowed:
        raise ImplausibleListen(f"{kind!r} reported twice in this listen")
