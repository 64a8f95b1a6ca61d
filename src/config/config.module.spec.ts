import { AppConfig } from './app-config';
import { AppConfigModule } from './config.module';

function fsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: .env`), { code });
}

// Jest gives each suite its own copy of process.env, which Node's loadEnvFile does not write:
// the reading of the file is Node's, stubbed here; what the module does with it is tested.
describe('AppConfigModule.load', () => {
  const saved = { PORT: process.env.PORT, LOG_LEVEL: process.env.LOG_LEVEL };
  let loadEnvFile: jest.SpyInstance;

  beforeEach(() => {
    delete process.env.PORT;
    delete process.env.LOG_LEVEL;
    loadEnvFile = jest.spyOn(process, 'loadEnvFile');
  });

  afterEach(() => {
    loadEnvFile.mockRestore();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("validates what the working directory's .env set in the environment", () => {
    loadEnvFile.mockImplementation(() => {
      process.env.PORT = '4321';
    });

    const { config, module } = AppConfigModule.load();

    expect(loadEnvFile).toHaveBeenCalledWith();
    expect(config.http.port).toBe(4321);
    expect(module.providers).toEqual([{ provide: AppConfig, useValue: config }]);
  });

  it('starts from the defaults with no .env, and the overrides win over the environment', () => {
    loadEnvFile.mockImplementation(() => {
      throw fsError('ENOENT');
    });
    process.env.LOG_LEVEL = 'warn';

    const { config } = AppConfigModule.load({ LOG_LEVEL: 'error' });

    expect(config.http.port).toBe(3000);
    expect(config.logLevel).toBe('error');
  });

  it('stops on a .env that exists but cannot be read', () => {
    loadEnvFile.mockImplementation(() => {
      throw fsError('EACCES');
    });

    expect(() => AppConfigModule.load()).toThrow('EACCES');
  });
});
