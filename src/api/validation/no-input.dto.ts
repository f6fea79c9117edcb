import { ApiSchema } from '@nestjs/swagger';

/** For routes that take no query parameters: any parameter is an unknown field. */
export class NoQueryDto {}

/** For routes that take no body: none, or `{}`; anything else is an unknown field. */
@ApiSchema({ description: 'This route takes no body; send none, or an empty object.' })
export class NoBodyDto {}
