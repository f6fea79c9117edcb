import { Module } from '@nestjs/common';
import { UnknownRoutesController } from './unknown-routes.controller';

@Module({ controllers: [UnknownRoutesController] })
export class UnknownRoutesApiModule {}
