# syntax=docker/dockerfile:1
# HeadlessShop API: build with the .NET SDK, run on the ASP.NET runtime image as a non-root user.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# npm installs GraphiQL's browser build, which the transport embeds at build time (Debian's packages).
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Restore first, from project files only, so the package layer is cached across source changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig HeadlessShop.sln ./
COPY src/HeadlessShop.GraphQL.Transport/HeadlessShop.GraphQL.Transport.csproj src/HeadlessShop.GraphQL.Transport/
COPY src/HeadlessShop.Api/HeadlessShop.Api.csproj src/HeadlessShop.Api/
RUN dotnet restore src/HeadlessShop.Api/HeadlessShop.Api.csproj
# GraphiQL's pinned npm packages, also a cached layer (.dockerignore keeps any host node_modules out).
COPY src/HeadlessShop.GraphQL.Transport/GraphiQL/package.json src/HeadlessShop.GraphQL.Transport/GraphiQL/package-lock.json src/HeadlessShop.GraphQL.Transport/GraphiQL/
RUN cd src/HeadlessShop.GraphQL.Transport/GraphiQL && npm ci --no-audit --no-fund --ignore-scripts
COPY src/ src/
RUN dotnet publish src/HeadlessShop.Api/HeadlessShop.Api.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# GC: the runtimeconfig's workstation concurrent GC (HeadlessShop.Api.csproj), as measured by the benchmarks; set
# DOTNET_gcServer=1 here for many-core hosts.
ENV ASPNETCORE_URLS=http://+:8080 \
    HeadlessShop__Mode=Production
EXPOSE 8080
# The aspnet image ships an unprivileged "app" user; APP_UID is its id.
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["dotnet", "HeadlessShop.Api.dll", "health", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["dotnet", "HeadlessShop.Api.dll"]
CMD ["serve"]
