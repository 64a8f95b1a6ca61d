import { Module } from '@nestjs/common';
import { BannerAdminModule } from '../banner/banner-admin.module';
import { BannerModule } from '../banner/banner.module';
import { SchedulesModule } from '../beat/schedules.module';
import { QueueDashboardModule } from '../dashboard/queue-dashboard.module';
import { HealthModule } from '../health/health.module';
import { HomeModule } from '../home/home.module';
import { MetricsHttpModule } from '../metrics/metrics-http.module';
import { TasksAdminModule } from '../tasks/admin/tasks-admin.module';
import { QueueMonitorModule } from '../tasks/runtime/queue-monitor.module';
import { WorkflowsAdminModule } from '../tasks/workflows/workflows-admin.module';

/** The api role: everything HTTP (the public and admin routes, probes, metrics, the dashboard); no processor. */
@Module({
  imports: [
    BannerModule,
    BannerAdminModule,
    HomeModule,
    HealthModule,
    MetricsHttpModule,
    QueueDashboardModule,
    QueueMonitorModule,
    SchedulesModule,
    TasksAdminModule,
    WorkflowsAdminModule,
  ],
})
export class ApiRoleModule {}
