# syntax=docker/dockerfile:1
# One image recipe for the three apps (docker-compose.yaml builds it once per app):
#   docker build --build-arg APP=api --build-arg PORT=3000 -t outreach-api .
#   (APP: api | worker | tracker; PORT: api 3000, tracker 3001, worker 3002 (health))
# Multi-stage: install the workspace from the frozen lockfile, build APP and the packages it
# depends on, then `pnpm deploy --prod` only APP and its production dependencies into /out.
# The runtime image holds /out and Node, nothing else: no devDependencies, no test code
# (packages/devstack/test/production-closure.int-spec.ts runs the same deploy and checks it).

FROM node:20-bookworm-slim AS build
WORKDIR /repo
# pnpm exactly as package.json pins it (as scripts/bootstrap.sh does), then every package of
# the lockfile into the store: these layers change only with the lockfile and are shared by
# the three apps' builds.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN npm install -g "pnpm@$(node -p "require('./package.json').packageManager.split('@')[1]")" \
  && pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
ARG APP
RUN case "$APP" in api | worker | tracker) ;; \
      *) echo "build with --build-arg APP=api|worker|tracker (got '$APP')" >&2; exit 1 ;; \
    esac
RUN pnpm exec turbo run build --filter="@outreach/${APP}..."
RUN pnpm deploy --prefer-offline --prod --filter="@outreach/${APP}" /out

FROM node:20-bookworm-slim AS runtime
ARG PORT=3000
ENV NODE_ENV=production PORT=${PORT}
WORKDIR /app
COPY --from=build /out /app
USER node
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A young generation of 64 MB semi-spaces (V8's default is 16 MB): a request's or a job's
# short-lived objects die there, scavenged less often and promoted less. On the worker's send
# bench (apps/worker/README.md) it cut the worker's CPU per mail by ~10 %; apps/worker/bench
# runs the worker, and its bare-nodemailer ceiling, with the same flag.
CMD ["node", "--enable-source-maps", "--max-semi-space-size=64", "dist/main.js"]
