import { createApp } from './create-app';

createApp()
  .then((app) => app.listen(Number(process.env.PORT ?? 3000)))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
