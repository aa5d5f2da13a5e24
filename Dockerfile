# syntax=docker/dockerfile:1
# Build: go-redis v9.23 needs Go 1.26.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/baogong ./cmd/baogong

# Run: no shell, no package manager, not root.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/baogong /usr/local/bin/baogong
COPY baogong.example.yaml catalog.example.yaml /etc/baogong/
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/baogong"]
CMD ["serve", "--config", "/etc/baogong/baogong.yaml"]
