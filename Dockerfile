# One image for the API and the workers; the command picks the role.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NARRATOR_DATA_DIR=/data

WORKDIR /app
# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY service/__init__.py service/__init__.py
COPY workers/__init__.py workers/__init__.py
RUN pip install '.[postgres]' && pip uninstall -y narrator

COPY service service
COPY workers workers
COPY voices voices
RUN pip install --no-deps -e . \
    && useradd --create-home --uid 10001 narrator \
    && mkdir -p /data && chown narrator /data

USER narrator
VOLUME ["/data"]
EXPOSE 8000
CMD ["narrator", "serve", "--no-worker", "--host", "0.0.0.0", "--port", "8000"]
