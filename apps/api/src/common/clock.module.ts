import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '@app/domain';

/** The API's clock; tests replace it (or move it) to step over waiting periods and deadlines. */
@Global()
@Module({ providers: [{ provide: Clock, useClass: SystemClock }], exports: [Clock] })
export class ClockModule {}
