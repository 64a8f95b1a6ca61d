import { type ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { IsInt } from 'class-validator';
import { BodySchema } from './body-schema.decorator';
import { SchemaFirstValidationPipe } from './schema-first-validation.pipe';

/** A schema that accepts what its decorator refuses, to tell which path a value took. */
@BodySchema({ type: 'object', properties: { count: { type: 'string' } } })
class Counted {
  @IsInt()
  readonly count!: number;
}

class Unpaired {
  @IsInt()
  readonly count!: number;
}

const pipe = new SchemaFirstValidationPipe();
const as = (type: ArgumentMetadata['type'], metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type, metatype });

describe('SchemaFirstValidationPipe', () => {
  afterEach(() => jest.restoreAllMocks());

  it('makes a body its schema accepts an instance of the DTO, without the ValidationPipe', async () => {
    const validate = jest.spyOn(ValidationPipe.prototype, 'transform');
    const value = await pipe.transform({ count: 'three' }, as('body', Counted));
    expect(value).toBeInstanceOf(Counted);
    expect(value).toEqual({ count: 'three' });
    expect(validate).not.toHaveBeenCalled();
  });

  it('leaves a body its schema refuses to the ValidationPipe', async () => {
    await expect(pipe.transform({ count: 3 }, as('body', Counted))).resolves.toEqual({ count: 3 });
    await expect(pipe.transform({ count: [] }, as('body', Counted))).rejects.toThrow(BadRequestException);
  });

  it('uses the schema for bodies only, and validates a DTO without one as before', async () => {
    await expect(pipe.transform({ count: 'three' }, as('query', Counted))).rejects.toThrow(BadRequestException);
    await expect(pipe.transform({ count: 'three' }, as('body', Unpaired))).rejects.toThrow(BadRequestException);
    await expect(pipe.transform({ count: 3, extra: 1 }, as('body', Unpaired))).rejects.toThrow(BadRequestException);
  });
});
