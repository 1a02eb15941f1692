import { Module } from '@nestjs/common';
import { ImportsProcessor } from './imports.processor.js';

@Module({ providers: [ImportsProcessor] })
export class ImportsModule {}
