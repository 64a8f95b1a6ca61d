import { Module } from '@nestjs/common';
import { HttpSecurity } from './http-security';
import { LoginThrottle } from './login-throttle';
import { ThrottleCounters } from './throttle-counters';
import { ThrottleRedis } from './throttle-redis';

/** The api's HTTP protections (bootstrap.ts registers them) and the login throttle the dashboard shares. */
@Module({
  providers: [HttpSecurity, LoginThrottle, ThrottleCounters, ThrottleRedis],
  exports: [HttpSecurity, LoginThrottle],
})
export class SecurityModule {}
