# One image for the three workers; the command picks the stage.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY services ./services
COPY rules ./rules
COPY seeds ./seeds
RUN pip install '.[model]' && useradd --system --uid 10001 eventwatch
USER eventwatch
# Inside the compose network the metrics endpoints must listen beyond loopback.
ENV EVENTWATCH_METRICS_HOST=0.0.0.0
ENTRYPOINT ["eventwatch"]
CMD ["worker", "ingest"]
