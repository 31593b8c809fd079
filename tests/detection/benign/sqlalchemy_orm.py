# SQLAlchemy 1.4's ORM on a SQLite file: declarative models, a session, a
# join and an aggregate (SQLAlchemy generates and caches code as it goes).
import os

from sqlalchemy import Column, ForeignKey, Integer, String, create_engine, func, select
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()


class Customer(Base):
    __tablename__ = "customer"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    orders = relationship("Order", back_populates="customer")


class Order(Base):
    __tablename__ = "purchase"
    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customer.id"))
    total = Column(Integer)
    customer = relationship(Customer, back_populates="orders")


engine = create_engine(f"sqlite:///{os.environ['BENIGN_WORKDIR']}/shop.db", future=True)
Base.metadata.create_all(engine)
with Session(engine) as session:
    session.add_all([Customer(name="ada", orders=[Order(total=10), Order(total=5)]), Customer(name="bob")])
    session.commit()
    rows = session.execute(select(Customer.name, func.count(Order.id)).outerjoin(Order).group_by(Customer.name)
                           .order_by(Customer.name)).all()
    assert [tuple(row) for row in rows] == [("ada", 2), ("bob", 0)]
    assert session.get(Customer, 1).orders[0].total == 10
