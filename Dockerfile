# Hindsight container image: a static, pure-Go binary on a distroless base,
# running as a non-root user. Build with `docker build -t hindsight .` or
# through docker-compose.yml.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/hindsight ./cmd/hindsight \
	&& mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hindsight /usr/local/bin/hindsight
# The embedded SQLite store lives here when no MongoDB URI is given.
COPY --from=build --chown=65532:65532 /out/data /data
ENV HINDSIGHT_ADDR=0.0.0.0:8080 \
	HINDSIGHT_DATA_DIR=/data
USER 65532:65532
VOLUME ["/data"]
EXPOSE 8080
# distroless has no shell or curl: the binary checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
	CMD ["/usr/local/bin/hindsight", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/hindsight"]
CMD ["serve"]
