// The Nest smoke program, after common.js: in the project with every package (Nest 12) and in
// one with only the Nest packages on Nest 11.
{
  // Nest without a TypeScript compiler: the decorators applied by hand, as tsc would.
  await load('reflect-metadata');
  const { Body, Controller, Module, Post } = await load('@nestjs/common');
  const { NestFactory } = await load('@nestjs/core');
  const { FastifyAdapter } = await load('@nestjs/platform-fastify');
  const { Idempotent, OncelyModule } = await load('@oncely/nestjs');
  const { createRequire } = await load('node:module');
  const nestVersion = createRequire(`${process.cwd()}/`)('@nestjs/core/package.json').version;
  for (const platform of ['express', 'fastify']) {
    let n = 0;
    class Charges {
      create(body) {
        return { id: ++n, amount: body.amount };
      }
    }
    const create = Object.getOwnPropertyDescriptor(Charges.prototype, 'create');
    for (const decorate of [Post('charges'), Idempotent({ required: true })]) {
      decorate(Charges.prototype, 'create', create);
    }
    Body()(Charges.prototype, 'create', 0);
    Controller()(Charges);
    class App {}
    Module({
      imports: [OncelyModule.forRoot({ store: new MemoryStore() })],
      controllers: [Charges],
    })(App);
    const adapter = platform === 'fastify' ? [new FastifyAdapter()] : [];
    const app = await NestFactory.create(App, ...adapter, { logger: false });
    await app.listen(0, '127.0.0.1');
    await twice(
      `@oncely/nestjs (nest ${nestVersion}, ${platform})`,
      overHttp(app.getHttpServer().address().port),
    );
    await app.close();
  }
}
