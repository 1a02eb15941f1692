import { Controller, Get, Header, Logger, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OpenRecorder } from './open-recorder.js';
import { PIXEL_CACHE_CONTROL, TRANSPARENT_GIF } from './transparent-gif.js';

/**
 * Public: `GET /p/<token>.gif`. Always answers 200 with the 1x1 GIF and `no-store`: the
 * open is handed to the recorder without waiting, and neither a bogus token nor a dead
 * database can fail the image.
 */
@Controller('p')
export class PixelController {
  private readonly logger = new Logger(PixelController.name);

  constructor(private readonly recorder: OpenRecorder) {}

  @Get(':file')
  @Header('Content-Type', 'image/gif')
  @Header('Cache-Control', PIXEL_CACHE_CONTROL)
  @Header('Pragma', 'no-cache')
  pixel(@Param('file') file: string, @Req() request: FastifyRequest): Buffer {
    try {
      const open = {
        token: file.endsWith('.gif') ? file.slice(0, -'.gif'.length) : file,
        openedAt: new Date(),
        userAgent: request.headers['user-agent'],
        ip: request.ip,
        purpose: purposeOf(request),
      };
      this.recorder.record(open).catch((error: unknown) => {
        this.logger.warn(`pixel open not recorded: ${String(error)}`);
      });
    } catch (error) {
      this.logger.warn(`pixel open not recorded: ${String(error)}`);
    }
    return TRANSPARENT_GIF;
  }
}

/** A prefetch or preview hint, from whichever header the client uses. */
function purposeOf(request: FastifyRequest): string | undefined {
  const headers = request.headers;
  for (const name of ['sec-purpose', 'purpose', 'x-purpose', 'x-moz']) {
    const value = headers[name];
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.join(',');
  }
  return undefined;
}
