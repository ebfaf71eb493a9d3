"""Webhooks: signed narration events (Standard Webhooks) sent to publishers' endpoints.

- signing: secrets (`whsec_...`) and the webhook-id/-timestamp/-signature headers
- targets: which URLs an endpoint may have (http/https, public addresses unless allowed)
- retry: final vs retryable responses and the backoff schedule
- events: the event envelope and its stable id
- store: endpoints, deliveries and attempts in the records database
- sender: one signed HTTP POST, pinned to the checked address

The worker side (workers/webhooks.py) ties them together: a finished
narration records one delivery per matching endpoint, and a Celery task makes
each attempt and schedules the next.
"""
