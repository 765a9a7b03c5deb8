import 'reflect-metadata';
import {
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Inject,
  Injectable,
  Module,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { MemoryStore } from '@oncely/memory';
import { Idempotent, OncelyModule } from '@oncely/nestjs';

export const charges: { id: string; amount: number; customer: string }[] = [];
export const jwtSecret = process.env.JWT_SECRET ?? 'change-me';

/** Your auth, as a guard: guards run before interceptors, so `scope` sees `request.user`. */
@Injectable()
class AuthGuard implements CanActivate {
  constructor(@Inject(JwtService) private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest();
    const [kind, token] = String(request.headers.authorization ?? '').split(' ');
    if (kind !== 'Bearer' || !token) throw new UnauthorizedException();
    request.user = await this.jwt.verifyAsync(token).catch(() => {
      throw new UnauthorizedException();
    });
    return true;
  }
}

@Controller()
class ChargesController {
  @Post('charges')
  @Idempotent({ required: true })
  create(@Body() body: { amount: number }, @Req() request: { user: { sub: string } }) {
    const customer = request.user.sub;
    const charge = { id: `ch_${charges.length + 1}`, amount: Number(body.amount), customer };
    charges.push(charge);
    return charge; // 201, as Nest answers a POST
  }

  // Not marked @Idempotent(): no key needed, nothing stored.
  @Post('ping')
  ping() {
    return { pong: true };
  }
}

@Module({
  imports: [
    JwtModule.register({ secret: jwtSecret }),
    OncelyModule.forRoot({
      store: new MemoryStore(),
      // Each customer's keys are their own: two customers may both send "order-42".
      scope: (_request, request) => request.user.sub,
    }),
  ],
  controllers: [ChargesController],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AppModule {}
