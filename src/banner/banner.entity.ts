import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Column lengths, shared with the DTOs so that validation and schema agree. */
export const BANNER_LIMITS = {
  name: 64,
  image: 255,
  link: 255,
  info: 1024,
} as const;

/**
 * A homepage carousel banner (the seed's `Banner` model). Rows are never deleted through the API:
 * `is_delete` hides them for good. Created by the `CreateBanners` migration.
 */
@Entity({ name: 'banners' })
@Index('IDX_banners_home', ['isDelete', 'isShow', 'orders', 'id'])
export class Banner {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id: number;

  @Column({ type: 'varchar', length: BANNER_LIMITS.name })
  name: string;

  /** A path under the media base (`/media/banner/1.png`), made absolute when served. */
  @Column({ type: 'varchar', length: BANNER_LIMITS.image })
  image: string;

  @Column({ type: 'varchar', length: BANNER_LIMITS.link })
  link: string;

  @Column({ type: 'varchar', length: BANNER_LIMITS.info, default: '' })
  info: string;

  /** Display order: higher comes first. */
  @Column({ type: 'int', default: 0 })
  orders: number;

  @Column({ name: 'is_show', type: 'boolean', default: true })
  isShow: boolean;

  @Column({ name: 'is_delete', type: 'boolean', default: false })
  isDelete: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt: Date;

  @UpdateDateColumn({
    name: 'updated_at',
    type: 'datetime',
    precision: 3,
    default: () => 'CURRENT_TIMESTAMP(3)',
    onUpdate: 'CURRENT_TIMESTAMP(3)',
  })
  updatedAt: Date;
}
