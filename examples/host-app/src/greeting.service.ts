import { Injectable } from '@nestjs/common';

/** One of the host's own providers, injected into a workflow. */
@Injectable()
export class GreetingService {
  greet(name: string): string {
    return `Hello, ${name}!`;
  }
}
