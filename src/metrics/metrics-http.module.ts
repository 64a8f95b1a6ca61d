import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** `/metrics` on the api's own port; {@link MetricsModule} provides the service it reads. */
@Module({ controllers: [MetricsController] })
export class MetricsHttpModule {}
