import { Global, Module } from '@nestjs/common';
import { OpenRecorder } from '../pixel/open-recorder.js';
import { BufferedOpenRecorder } from './buffered-open.recorder.js';
import { MetricsController } from './metrics.controller.js';
import { OpenBuffer } from './open-buffer.js';
import { OpenFlusher } from './open-flusher.js';
import { SharedFloodCheck } from './shared-flood-check.js';
import { TrackerMetrics } from './tracker-metrics.js';

/** Recording opens: the buffer, its flusher, the recorder the pixel hands opens to, the metrics. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    TrackerMetrics,
    OpenBuffer,
    OpenFlusher,
    SharedFloodCheck,
    { provide: OpenRecorder, useClass: BufferedOpenRecorder },
  ],
  exports: [OpenRecorder, TrackerMetrics, OpenBuffer, OpenFlusher],
})
export class OpensModule {}
