import { DataSource } from 'typeorm';
import { AppConfigModule } from '../config/config.module';
import { dataSourceOptions } from './data-source.options';

/** Entry point of the TypeORM CLI (`npm run migration:run`, `migration:generate`). */
export default new DataSource(dataSourceOptions(AppConfigModule.load().config));
