import { type Connection, createConnection, type ResultSetHeader } from 'mysql2/promise';

export interface BannerRow {
  name: string;
  image: string;
  link: string;
  info: string;
  orders: number;
  is_show: boolean;
  is_delete: boolean;
}

const DEFAULTS: BannerRow = {
  name: 'Banner',
  image: '/media/banner/1.png',
  link: '/courses',
  info: '',
  orders: 0,
  is_show: true,
  is_delete: false,
};

/** Direct access to a test database's `banners` table, to arrange rows without going through the API. */
export class BannerRows {
  private constructor(private readonly connection: Connection) {}

  static async open(databaseUrl: string): Promise<BannerRows> {
    return new BannerRows(await createConnection({ uri: databaseUrl }));
  }

  async insert(row: Partial<BannerRow> = {}): Promise<number> {
    const values = { ...DEFAULTS, ...row };
    const [result] = await this.connection.query<ResultSetHeader>('INSERT INTO banners SET ?', [values]);
    return result.insertId;
  }

  async update(id: number, changes: Partial<BannerRow>): Promise<void> {
    await this.connection.query('UPDATE banners SET ? WHERE id = ?', [changes, id]);
  }

  async find(id: number): Promise<Record<string, unknown> | undefined> {
    const [rows] = await this.connection.query('SELECT * FROM banners WHERE id = ?', [id]);
    return (rows as Record<string, unknown>[])[0];
  }

  async clear(): Promise<void> {
    await this.connection.query('DELETE FROM banners');
  }

  async close(): Promise<void> {
    await this.connection.end();
  }
}
