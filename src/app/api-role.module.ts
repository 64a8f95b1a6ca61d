import { Module } from '@nestjs/common';
import { BannerAdminModule } from '../banner/banner-admin.module';
import { BannerModule } from '../banner/banner.module';
import { SchedulesModule } from '../beat/schedules.module';
import { QueueDashboardModule } from '../dashboard/queue-dashboard.module';
import { HealthModule } from '../health/health.module';
import { HomeModule } from '../home/home.module';
import { SecurityModule } from '../security/security.module';
import { TasksAdminModule } from '../tasks/admin/tasks-admin.module';
import { QueueMonitorModule } from '../tasks/runtime/queue-monitor.module';
import { WorkflowsAdminModule } from '../tasks/workflows/workflows-admin.module';

/**
 * The api role: everything HTTP (the public and admin routes, probes, the dashboard); no processor.
 * `/metrics` on the public port comes with it unless METRICS_PORT moves it (see AppModule).
 */
@Module({
  imports: [
    BannerModule,
    BannerAdminModule,
    HomeModule,
    HealthModule,
    QueueDashboardModule,
    QueueMonitorModule,
    SchedulesModule,
    SecurityModule,
    TasksAdminModule,
    WorkflowsAdminModule,
  ],
})
export class ApiRoleModule {}
