// The one Bun API the Bun server script uses (the script runs under bun, not under Node).
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request) => Response | Promise<Response>;
  }): { port: number };
};
